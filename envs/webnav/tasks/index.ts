/** Every web task by name (MiniWoB names). */
import type { WebTask } from '../task.ts';
import { clickButton, clickButtonSequence, clickCollapsible, clickDialog, clickLink, clickTab, clickTest } from './click.ts';
import { chooseList, clickCheckboxes, clickOption, enterPassword, enterText, focusText, loginUser, useAutocomplete } from './forms.ts';
import { emailInbox, navigateTree, searchEngine } from './navigation.ts';

const ALL: readonly WebTask[] = [
  clickTest,
  clickButton,
  clickButtonSequence,
  clickLink,
  clickDialog,
  clickTab,
  clickCollapsible,
  clickCheckboxes,
  clickOption,
  enterText,
  enterPassword,
  focusText,
  loginUser,
  chooseList,
  useAutocomplete,
  navigateTree,
  searchEngine,
  emailInbox,
];

export const TASKS: Readonly<Record<string, WebTask>> = Object.freeze(Object.fromEntries(ALL.map((t) => [t.name, t])));
export const TASK_NAMES: readonly string[] = ALL.map((t) => t.name);
