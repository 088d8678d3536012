// Statement objects produced by the parser and consumed by the resolver, in source order.

export interface Located {
  line: number;
  column: number;
  /** Offset in the decoded text, used to merge `;` comments back in source order. */
  offset: number;
}

export interface NumberToken extends Located {
  image: string;
}

export interface NameToken extends Located {
  name: string;
}

export interface TypedefStatement extends Located {
  kind: 'typedef';
  macro: boolean;
  name: NameToken;
}

export interface NameEntry extends Located {
  name: string;
  value: NumberToken;
  /** Alias (severity/facility) or .bin file name (language), after the `:`. */
  extra?: NameToken;
}

export interface NamesStatement extends Located {
  kind: 'names';
  table: 'severity' | 'facility' | 'language';
  entries: NameEntry[];
}

export interface OutputBaseStatement extends Located {
  kind: 'outputBase';
  value: NumberToken;
}

export interface FieldStatement extends Located {
  kind: 'severity' | 'facility' | 'symbolicName';
  name: NameToken;
}

export interface LanguageBlock extends Located {
  kind: 'language';
  name: NameToken;
  /** Raw text from the line after `Language=` through the `.` line (or the end of input). */
  text: string;
  textLine: number;
  /** Offset just past the text token: where mc.exe writes the message's header block. */
  endOffset: number;
}

export type MessageItem = FieldStatement | OutputBaseStatement | LanguageBlock;

export interface MessageStatement extends Located {
  kind: 'message';
  /** `MessageId=` (next), `=N` (absolute) or `=+N` (relative to the facility's last id). */
  id: { form: 'next' } | { form: 'absolute' | 'relative'; value: NumberToken };
  items: MessageItem[];
}

export type Statement = TypedefStatement | NamesStatement | OutputBaseStatement | MessageStatement;
