/**
 * Go's strconv float formatting (`'e'`, `'f'`, `'g'`, shortest or with a precision), which
 * differs from JavaScript's: Go rounds exact halves to even, writes at least two exponent
 * digits (`1e+06`), and `%g` picks its form by Go's rule, not `toPrecision`'s.
 */

/** The decimal digits of a non-negative float: value = 0.<digits> × 10^point, no zeros at the ends. */
interface Decimal {
  digits: string;
  point: number;
}

/** The exact decimal expansion of a finite, non-negative float64. */
function exact(x: number): Decimal {
  if (x === 0) return { digits: "", point: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2 = biased - 1075;
  if (biased === 0) exp2 = -1074;
  else mantissa |= 1n << 52n;
  let text: string;
  let point: number;
  if (exp2 >= 0) {
    text = (mantissa << BigInt(exp2)).toString();
    point = text.length;
  } else {
    text = (mantissa * 5n ** BigInt(-exp2)).toString();
    point = text.length + exp2;
  }
  return trim({ digits: text, point });
}

function trim(d: Decimal): Decimal {
  let start = 0;
  while (start < d.digits.length && d.digits[start] === "0") start++;
  let end = d.digits.length;
  while (end > start && d.digits[end - 1] === "0") end--;
  if (start === end) return { digits: "", point: 0 };
  return { digits: d.digits.slice(start, end), point: d.point - start };
}

/** The shortest digits that read back as `x` (JavaScript and Go agree on these). */
function shortest(x: number): Decimal {
  if (x === 0) return { digits: "", point: 0 };
  const [mant, exp] = x.toExponential().split("e");
  const digits = mant!.replace(".", "");
  return trim({ digits, point: Number(exp) + 1 });
}

/** Rounds to `n` digits, halves to even as Go's decimal rounding does. */
function round(d: Decimal, n: number): Decimal {
  if (n < 0 || n >= d.digits.length) return d;
  const next = d.digits[n]!;
  const half = next === "5" && n + 1 === d.digits.length;
  const up = half ? n > 0 && Number(d.digits[n - 1]) % 2 === 1 : next >= "5";
  if (!up) return trim({ digits: d.digits.slice(0, n), point: d.point });
  let i = n - 1;
  while (i >= 0 && d.digits[i] === "9") i--;
  if (i < 0) return { digits: "1", point: d.point + 1 };
  const digits = d.digits.slice(0, i) + String(Number(d.digits[i]) + 1);
  return trim({ digits, point: d.point });
}

function fmtE(d: Decimal, prec: number, e: string): string {
  let out = d.digits[0] ?? "0";
  if (prec > 0) {
    out += ".";
    for (let i = 1; i <= prec; i++) out += d.digits[i] ?? "0";
  }
  const exp = d.digits.length === 0 ? 0 : d.point - 1;
  const abs = Math.abs(exp);
  return `${out}${e}${exp < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
}

function fmtF(d: Decimal, prec: number): string {
  let out = "";
  if (d.point > 0) {
    for (let i = 0; i < d.point; i++) out += d.digits[i] ?? "0";
  } else out = "0";
  if (prec > 0) {
    out += ".";
    for (let i = 1; i <= prec; i++) {
      const j = d.point + i - 1;
      out += j >= 0 && j < d.digits.length ? d.digits[j] : "0";
    }
  }
  return out;
}

/** Go's `strconv.FormatFloat(x, verb, prec, 64)` for verbs e, E, f, g, G; prec -1 is shortest. */
export function formatFloat(x: number, verb: "e" | "E" | "f" | "g" | "G", prec: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "+Inf";
  if (x === Number.NEGATIVE_INFINITY) return "-Inf";
  const neg = x < 0 || Object.is(x, -0);
  const body = formatAbs(Math.abs(x), verb, prec);
  return neg ? `-${body}` : body;
}

function formatAbs(x: number, verb: string, prec: number): string {
  const isShortest = prec < 0;
  let d: Decimal;
  if (isShortest) {
    d = shortest(x);
    if (verb === "e" || verb === "E") prec = Math.max(d.digits.length - 1, 0);
    else if (verb === "f") prec = Math.max(d.digits.length - d.point, 0);
    else prec = d.digits.length;
  } else {
    d = exact(x);
    if (verb === "e" || verb === "E") d = round(d, prec + 1);
    else if (verb === "f") d = round(d, d.point + prec);
    else {
      if (prec === 0) prec = 1;
      d = round(d, prec);
    }
  }
  if (verb === "e" || verb === "E") return fmtE(d, prec, verb);
  if (verb === "f") return fmtF(d, prec);
  let eprec = prec;
  if (eprec > d.digits.length && d.digits.length >= d.point) eprec = d.digits.length;
  if (isShortest) eprec = 6;
  const exp = d.point - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > d.digits.length) prec = d.digits.length;
    return fmtE(d, prec - 1, verb === "g" ? "e" : "E");
  }
  if (prec > d.point) prec = d.digits.length;
  return fmtF(d, Math.max(prec - d.point, 0));
}

/** Go's `%x` / `%X` of a float64 (shortest): `0x1.8p+01`. */
export function formatHexFloat(x: number, upper: boolean): string {
  if (!Number.isFinite(x)) return formatFloat(x, "g", -1);
  const neg = x < 0 || Object.is(x, -0);
  let out: string;
  if (x === 0) out = "0x0p+00";
  else {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, Math.abs(x));
    let mant = view.getBigUint64(0) & ((1n << 52n) - 1n);
    const biased = Number(view.getBigUint64(0) >> 52n);
    let exp = biased - 1023;
    if (biased === 0) {
      exp = -1022;
      while ((mant & (1n << 52n)) === 0n) {
        mant <<= 1n;
        exp--;
      }
      mant &= (1n << 52n) - 1n;
    }
    const frac = mant.toString(16).padStart(13, "0").replace(/0+$/, "");
    const e = Math.abs(exp);
    out = `0x1${frac ? `.${frac}` : ""}p${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  if (neg) out = `-${out}`;
  return upper ? out.toUpperCase() : out;
}
