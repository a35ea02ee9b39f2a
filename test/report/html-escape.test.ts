import test from 'ava';
import { escapeHtml, jsonScriptText } from '../../src/report/html-escape.js';

test('escapeHtml: the five characters that are special in text or quoted attributes', (t) => {
  t.is(escapeHtml(`<a href="x" onclick='y()'>&amp;</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y()&#39;&gt;&amp;amp;&lt;/a&gt;');
  t.is(escapeHtml('plain text 10.0.0.1/22'), 'plain text 10.0.0.1/22');
});

test('jsonScriptText: nothing that can end or re-tokenize a script element, and JSON.parse gives the value back', (t) => {
  const value = { tag: "</script><!--<script>alert('x')</script>-->", amp: 'a&b', seps: 'line\u2028para\u2029end', n: [1, null] };
  const text = jsonScriptText(value);
  t.false(/[<>&\u2028\u2029]/.test(text), text);
  t.true(text.includes('\\u003c/script\\u003e'));
  t.deepEqual(JSON.parse(text), value);
});
