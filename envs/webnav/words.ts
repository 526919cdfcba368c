/** Word pools the task generators draw from (our own lists). */
export const WORDS = [
  'apple', 'amber', 'anchor', 'arrow', 'aspen', 'atlas', 'badge', 'baker', 'bamboo', 'banner', 'basil', 'beacon', 'berry', 'blaze', 'bloom', 'bolt',
  'breeze', 'brick', 'brook', 'cabin', 'cactus', 'canyon', 'carbon', 'cedar', 'chalk', 'cherry', 'cider', 'clover', 'cobalt', 'comet', 'coral', 'cotton',
  'crane', 'crystal', 'dawn', 'delta', 'denim', 'desert', 'dune', 'eagle', 'echo', 'ember', 'falcon', 'fern', 'fiber', 'flint', 'forest', 'fossil',
  'garnet', 'ginger', 'glacier', 'granite', 'harbor', 'hazel', 'honey', 'indigo', 'iris', 'ivory', 'jade', 'jasper', 'juniper', 'kernel', 'lagoon', 'lantern',
  'lemon', 'lilac', 'linen', 'lotus', 'maple', 'marble', 'meadow', 'mint', 'mist', 'nectar', 'noble', 'nova', 'oasis', 'olive', 'onyx', 'orbit',
  'orchid', 'pebble', 'pepper', 'pine', 'pixel', 'plaza', 'prism', 'quartz', 'quill', 'radar', 'raven', 'reef', 'ripple', 'river', 'robin', 'ruby',
  'saffron', 'sage', 'satin', 'shadow', 'silver', 'slate', 'solar', 'spark', 'spruce', 'storm', 'summit', 'tango', 'thistle', 'thunder', 'timber', 'topaz',
  'tulip', 'tundra', 'umber', 'valley', 'velvet', 'violet', 'walnut', 'willow', 'winter', 'zephyr', 'zinc',
] as const;

export const NAMES = [
  'Aaron', 'Abby', 'Adele', 'Alba', 'Alec', 'Alma', 'Amos', 'Anya', 'Ariel', 'Basil', 'Bella', 'Boris', 'Carla', 'Cyrus', 'Dana', 'Dario',
  'Edith', 'Elias', 'Elsa', 'Emil', 'Farah', 'Felix', 'Gemma', 'Gideon', 'Greta', 'Hana', 'Hugo', 'Ines', 'Ivan', 'Jonas', 'Jude', 'Kara',
  'Kenji', 'Lara', 'Leona', 'Liam', 'Lucia', 'Malik', 'Marta', 'Milo', 'Nadia', 'Nico', 'Nora', 'Omar', 'Otto', 'Petra', 'Quinn', 'Rafael',
  'Rosa', 'Sami', 'Selma', 'Tariq', 'Thea', 'Uma', 'Vera', 'Wanda', 'Yara', 'Yusuf', 'Zane', 'Zora',
] as const;

export const COUNTRIES = [
  'Albania', 'Algeria', 'Andorra', 'Angola', 'Argentina', 'Armenia', 'Australia', 'Austria', 'Bahamas', 'Bahrain', 'Barbados', 'Belarus', 'Belgium',
  'Belize', 'Benin', 'Bhutan', 'Bolivia', 'Botswana', 'Brazil', 'Bulgaria', 'Burundi', 'Cambodia', 'Cameroon', 'Canada', 'Chad', 'Chile', 'China',
  'Colombia', 'Comoros', 'Croatia', 'Cuba', 'Cyprus', 'Denmark', 'Djibouti', 'Dominica', 'Ecuador', 'Egypt', 'Eritrea', 'Estonia', 'Ethiopia',
  'Fiji', 'Finland', 'France', 'Gabon', 'Gambia', 'Georgia', 'Germany', 'Ghana', 'Greece', 'Grenada', 'Guatemala', 'Guinea', 'Guyana', 'Haiti',
  'Honduras', 'Hungary', 'Iceland', 'India', 'Indonesia', 'Iran', 'Iraq', 'Ireland', 'Israel', 'Italy', 'Jamaica', 'Japan', 'Jordan', 'Kenya',
  'Kiribati', 'Kuwait', 'Laos', 'Latvia', 'Lebanon', 'Lesotho', 'Liberia', 'Libya', 'Lithuania', 'Madagascar', 'Malawi', 'Malaysia', 'Maldives',
  'Mali', 'Malta', 'Mexico', 'Moldova', 'Monaco', 'Mongolia', 'Morocco', 'Namibia', 'Nauru', 'Nepal', 'Nicaragua', 'Niger', 'Nigeria', 'Norway',
  'Oman', 'Pakistan', 'Palau', 'Panama', 'Paraguay', 'Peru', 'Poland', 'Portugal', 'Qatar', 'Romania', 'Rwanda', 'Samoa', 'Senegal', 'Serbia',
] as const;
