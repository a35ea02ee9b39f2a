/**
 * Escaping for the HTML report. Everything that reaches the page from a store (tags, VM and
 * policy names, rule text, file paths) is attacker-controllable, so every piece of text goes
 * through one of these two functions and nothing is concatenated raw.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text safe both as element content and as a quoted attribute value: `& < > " '` become
 * character references (HTML Living Standard 13.1.4/13.1.2.3: inside a double- or single-quoted
 * attribute only the quote and `&` are special, in text only `<` and `&`; escaping all five
 * covers both contexts).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/**
 * JSON for the body of a `<script type="application/json">` element. The HTML tokenizer ends a
 * script element at the first `</script` whatever its type (HTML 13.2.5.4 "script data" state),
 * and `<!--` switches it into the escaped states, so `<` `>` `&` become `\u003c` etc. U+2028 and
 * U+2029 are escaped too, since older JavaScript engines treated them as line terminators inside
 * string literals. `JSON.parse(el.textContent)` gives back exactly `value`.
 */
export function jsonScriptText(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
