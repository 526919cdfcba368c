/** Take the first fenced code block of a model response (``` or ~~~, any or no language tag). */
export function extractFirstCodeBlock(text: string): string | undefined {
  const m = /(^|\n)[ \t]*(```|~~~)[^\n]*\n([\s\S]*?)\n[ \t]*\2/.exec(text);
  return m ? m[3] : undefined;
}
