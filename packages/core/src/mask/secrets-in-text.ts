import { passesLuhn } from './luhn';

/** What a text masker needs: which names are sensitive, and what to write instead of a secret. */
export interface TextMaskerOptions {
  isSensitiveKey: (name: string) => boolean;
  placeholder: string;
}

/* `scheme://user:password@`: the password goes, the user stays. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@]*):[^\s/?#@]+@/gi;
/* `name=value` in query strings, fragments, form bodies, cookies and connection strings. */
const NAME_VALUE = /(?<=^|[?&#;\s"'(])([\w.\-[\]%]{1,64})=([^&#\s;"'<>]*)/g;
/* `"name": value` in JSON kept as text, e.g. a body that failed to parse or was cut short. */
const JSON_MEMBER = /"((?:[^"\\\n]|\\.){1,64})"(\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|-?\d[\d.eE+-]*)/g;

/*
 * Secrets recognisable by their shape alone, all matched in one pass because most text holds
 * none. Capture groups: 1 is a Bearer scheme (kept), 2 a card number candidate.
 */
const SHAPES = [
  String.raw`(Bearer|bearer|BEARER)\s+[\w\-.~+/]{8,}=*`,
  // A JWT's header is base64url JSON, so it starts `eyJ`; even a cut-off one is masked.
  String.raw`eyJ[\w-]{8,}(?:\.[\w-]*){1,4}`,
  // Portico API keys (also the original's `gk_` + hex) and Standard Webhooks signing secrets.
  String.raw`gk_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/=]{16,}`,
  // Formats that announce themselves: GitHub, Slack, AWS access key ids, Stripe, Atlassian.
  String.raw`gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,}|xox[abprs]-[\w-]{10,}`,
  String.raw`(?:AKIA|ASIA)[A-Z0-9]{16}|[rs]k_(?:live|test)_[A-Za-z0-9]{16,}|ATATT[\w=-]{20,}`,
  // 13 to 19 digits, single spaces or dashes between, starting as card networks do (2 to 6):
  // epoch milliseconds start with 1. Masked only when the Luhn check passes.
  String.raw`([2-6](?:[ -]?\d){12,18})\b`,
];
const SECRET_SHAPE = new RegExp(String.raw`\b(?:${SHAPES.join('|')})`, 'g');

/*
 * `needs`: a substring without which the pattern cannot match; `minLength`: the shortest text it
 * can match. Both skip a pattern cheaply, and most values in a payload are short and plain.
 */
interface Rule {
  needs?: string;
  minLength?: number;
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

/**
 * Makes a function that masks secrets inside free text: passwords in URLs, sensitive
 * `name=value` pairs and JSON members, Bearer credentials, JWTs, API keys of known formats
 * and card numbers that pass the Luhn check. Everything else is left as it was.
 *
 * @example
 * ```ts
 * const maskText = createTextMasker({ isSensitiveKey, placeholder: '***' });
 * maskText('GET /hook?token=abc&page=2'); // 'GET /hook?token=***&page=2'
 * maskText('https://bot:hunter2@example.com/'); // 'https://bot:***@example.com/'
 * ```
 */
export function createTextMasker({ isSensitiveKey, placeholder }: TextMaskerOptions): (text: string) => string {
  const rules: Rule[] = [
    { needs: '://', pattern: USERINFO, replace: (_, prefix) => `${prefix}:${placeholder}@` },
    {
      needs: '=',
      pattern: NAME_VALUE,
      replace: (match, name, value) => (value && isSensitiveKey(name) ? `${name}=${placeholder}` : match),
    },
    {
      needs: '"',
      pattern: JSON_MEMBER,
      replace: (match, name, colon) => (isSensitiveKey(name) ? `"${name}"${colon}"${placeholder}"` : match),
    },
    {
      // The shortest shape: `eyJ`, 8 characters and a dot.
      minLength: 12,
      pattern: SECRET_SHAPE,
      replace: (match, scheme, card) => {
        if (scheme) return `${scheme} ${placeholder}`;
        return card && !passesLuhn(card) ? match : placeholder;
      },
    },
  ];
  return (text) => {
    let masked = text;
    for (const { needs, minLength = 0, pattern, replace } of rules) {
      if (masked.length >= minLength && (needs === undefined || masked.includes(needs))) masked = masked.replace(pattern, replace);
    }
    return masked;
  };
}
