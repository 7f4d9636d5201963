import { PresentationError } from "./errors.js";

/** One item of a master-file entry, escapes still in place (RFC 1035 §5.1). */
export interface Token {
  /** The text, without the double quotes that grouped any part of it. */
  text: string;
  /** True when any part of the token was inside double quotes. */
  quoted: boolean;
  /** 1-based line where the token starts. */
  line: number;
}

/** RFC 1035 §5.1: one entry, i.e. one line with parenthesised continuations joined. */
export interface Entry {
  /** 1-based line where the entry starts. */
  line: number;
  /** True when the entry begins with a blank: the owner is the previous one. */
  startsWithBlank: boolean;
  tokens: Token[];
}

const isBlank = (char: string): boolean => char === " " || char === "\t";
const isLineEnd = (char: string): boolean => char === "\n" || char === "\r";

/**
 * RFC 1035 §5.1: splits master-file text into entries. Tabs and spaces
 * delimit items, `;` starts a comment, parentheses continue an entry over line
 * ends, double quotes group text (line ends included), and a backslash quotes
 * the next character. Throws {@link PresentationError} with the line.
 */
export function lex(text: string): Entry[] {
  const entries: Entry[] = [];
  let line = 1;
  let depth = 0;
  let openedAt = 0;
  let entry: Entry | undefined;
  let token: Token | undefined;
  let atLineStart = true;

  const finishToken = (): void => {
    if (token !== undefined) entry!.tokens.push(token);
    token = undefined;
  };
  const finishEntry = (): void => {
    finishToken();
    if (entry !== undefined && entry.tokens.length > 0) entries.push(entry);
    entry = undefined;
  };
  const startToken = (): Token => {
    entry ??= { line, startsWithBlank: false, tokens: [] };
    token ??= { text: "", quoted: false, line };
    return token;
  };

  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (atLineStart && depth === 0) {
      finishEntry();
      entry = { line, startsWithBlank: isBlank(char), tokens: [] };
    }
    atLineStart = false;
    if (isLineEnd(char)) {
      if (char === "\r" && text[i + 1] === "\n") i++;
      finishToken();
      line++;
      atLineStart = true;
    } else if (isBlank(char)) {
      finishToken();
    } else if (char === ";") {
      finishToken();
      while (i + 1 < text.length && !isLineEnd(text[i + 1]!)) i++;
    } else if (char === "(" || char === ")") {
      finishToken();
      if (char === "(") {
        if (depth > 0) throw new PresentationError("parentheses cannot nest", line);
        depth = 1;
        openedAt = line;
      } else {
        if (depth === 0) throw new PresentationError('")" without "("', line);
        depth = 0;
      }
    } else if (char === '"') {
      const current = startToken();
      current.quoted = true;
      const start = line;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\" && i + 1 < text.length) current.text += text[i++];
        if (text[i] === "\n") line++;
        current.text += text[i];
      }
      if (i >= text.length) throw new PresentationError("quoted text is not closed", start);
    } else if (char === "\\") {
      const quotedChar = text[++i] ?? "";
      if (quotedChar === "\n") line++;
      startToken().text += char + quotedChar;
    } else {
      startToken().text += char;
    }
  }
  if (depth > 0) throw new PresentationError('"(" is not closed', openedAt);
  finishEntry();
  return entries;
}
