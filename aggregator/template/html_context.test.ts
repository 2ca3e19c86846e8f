import { expect, test } from "bun:test";
import { parseTemplate } from "./template.ts";

const html = (text: string) => parseTemplate("t", text).execute(null, "t", { html: true });

test.each([
  ['<a href="{{ "javascript:alert(1)" }}">', '<a href="#ZgotmplZ">'],
  ['<a class="x" href=\'{{ "vbscript:x" }}\'>', "<a class=\"x\" href='#ZgotmplZ'>"],
  [
    '<a href="{{ "http://h/a b" }}">{{ "javascript:x" }}</a>',
    '<a href="http://h/a%20b">javascript:x</a>',
  ],
  ['<a href="/p?{{ "javascript:x" }}">', '<a href="/p?javascript%3ax">'],
  [
    '<a title="{{ "javascript:x" }}" href="{{ "mailto:a@b" }}">',
    '<a title="javascript:x" href="mailto:a@b">',
  ],
  ['<img data-src="{{ "ftp://h" }}">', '<img data-src="#ZgotmplZ">'],
  ['<a href="{{ "" }}{{ "javascript:x" }}">', '<a href="#ZgotmplZ">'],
  ['<a href="{{ "http://a" }}{{ "javascript:x" }}">', '<a href="http://a#ZgotmplZ">'],
  ['<a href="/s?q={{ "a b&c/d" }}#{{ "é" }}">', '<a href="/s?q=a%20b%26c%2fd#%c3%a9">'],
  ['<a href="/r?x={{ "x y/z" | urlquery }}">', '<a href="/r?x=x&#43;y%2Fz">'],
  ['<p>a < b {{ "javascript:x" }}</p>', "<p>a < b javascript:x</p>"],
])("%s is escaped as html/template escapes it", async (text, want) => {
  expect(await html(text)).toBe(want);
});
