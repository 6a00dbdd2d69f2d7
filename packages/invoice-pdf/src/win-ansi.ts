/**
 * The standard PDF fonts (Helvetica here) only have glyphs for the WinAnsi character set. pdfkit silently writes
 * garbage or throws for anything else, and names, addresses and product titles come from shoppers, so every string
 * goes through `toWinAnsi` before it is drawn: accents are kept where WinAnsi has them, decomposed letters lose
 * their marks (ć → c), a few letters with a stroke get their base letter (ł → l), anything else (日本) is ?, Intl's narrow spaces become ordinary no-break spaces.
 */

// WinAnsi (cp1252) beyond Latin-1: the characters it puts in 0x80–0x9F.
const cp1252Extras = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

// Characters Intl and typographers commonly produce that have a close WinAnsi equivalent.
const nearest: Record<string, string> = {
  '\u202f': '\u00a0', // narrow no-break space (fr-FR thousands separator)
  '\u2009': ' ', // thin space
  '\u2007': '\u00a0', // figure space
  '\u2212': '-', // minus sign (some locales' negative numbers)
  '\u2010': '-',
  '\u2011': '-',
  '\u2032': "'",
  '\u200e': '', // left-to-right mark
  '\u200f': '',
  // Letters with a stroke do not decompose under NFKD.
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
};

function isWinAnsi(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || cp1252Extras.has(char) || char === '\n';
}

/** The text with every character Helvetica cannot draw replaced by its nearest WinAnsi form, or `?`. */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const char of text) {
    if (isWinAnsi(char)) {
      out += char;
      continue;
    }
    const near = nearest[char];
    if (near !== undefined) {
      out += near;
      continue;
    }
    // Decompose (é → e + ́) and keep the base letters that WinAnsi has.
    const base = [...char.normalize('NFKD')].filter((c) => !/\p{M}/u.test(c));
    out += base.length > 0 && base.every(isWinAnsi) ? base.join('') : '?';
  }
  return out;
}
