// Shell steps (sh, bat, powershell, pwsh) that run `aws sts assume-role` or `aws sts get-session-token`:
// the script is rebuilt from its string parts (variables holding command text inlined), scanned by the
// shell tokenizer (../shell.ts), and each STS call becomes a usage, with positions mapped back to the file.
import type { CallExpression, Expression, MethodDeclaration, StringLiteral, TextPart } from '../../syntax/ast';
import { textOffset } from '../../syntax/ast';
import type { Range, Usage, UsageKind } from '../../types';
import { newUsage, originOf, resolvedValue, toSeconds, type UsageBuilder, type UsageKindModule } from '../builder';
import { calleeName, namedArgs, positional, range } from '../calls';
import { callerOf } from '../callers';
import { bindCall, invokedName, type DeclaredMethod } from '../frames';
import { concat, type Resolver, type Scope, type Val } from '../resolve';
import {
  literalText,
  PLACEHOLDER_BASE,
  PLACEHOLDER_LIMIT,
  scanShell,
  valueRange,
  type AwsStsCall,
  type ShellDialect,
  type ShellWord,
} from '../shell';
import type { Pending } from '../scope';

const SHELL_STEPS: Record<string, ShellDialect> = {
  sh: 'sh',
  bat: 'bat',
  powershell: 'powershell',
  pwsh: 'powershell',
};

function buildShell(item: Pending, b: UsageBuilder): void {
  const call = item.call;
  const scope = item.scope;
  const name = calleeName(call)!;
  const dialect = SHELL_STEPS[name];
  const named = namedArgs(call.args);
  const scriptExpr = named.get('script') ?? positional(call.args)[0];
  if (!scriptExpr) return;
  if (scriptExpr.type === 'String' && !mayHoldStsCall(scriptExpr)) return;
  const script = new ScriptBuilder(b.resolver, scope, b.methods);
  script.add(scriptExpr, 0);
  // Only scripts that mention an STS operation can hold a usage; skip scanning the rest.
  if (
    script.text.indexOf('aws') < 0 ||
    (script.text.indexOf('assume-role') < 0 && script.text.indexOf('get-session-token') < 0)
  )
    return;
  const { calls, assignments } = scanShell(script.text, dialect);
  for (const c of calls) {
    const usage = shellUsage(b, item, c, script, assignments);
    if (usage) item.usages.push(usage);
  }
}

function shellUsage(
  b: UsageBuilder,
  item: Pending,
  c: AwsStsCall,
  script: ScriptBuilder,
  assignments: ReturnType<typeof scanShell>['assignments'],
): Usage | null {
  const scope = item.scope;
  const at = (i: number): number => script.offset(Math.min(i, script.text.length - 1));
  const end = (i: number): number => script.endOffset(Math.min(i, script.text.length - 1));
  // The contract locates the call at `aws`, also when the command is written with its path (`/usr/bin/aws`).
  const word = script.text.slice(c.awsStart, c.awsEnd);
  const name = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\')) + 1;
  const commandStart = at(c.awsStart);
  const anchor = {
    start: name > 0 && name < word.length ? at(c.awsStart + name) : commandStart,
    end: end(c.awsEnd - 1),
  };
  const endSrc = end(c.end - 1);
  const kind: UsageKind = c.operation === 'assume-role' ? 'sh-assume-role' : 'sh-get-session-token';
  const whole = { start: commandStart, end: Math.max(endSrc, anchor.end) };
  const usage = newUsage(b.file, kind, whole, anchor);
  usage.args.call = { ...whole };
  usage.boundStringCredentials = b.boundCredentials(scope);
  usage.agentLabel = b.label(scope.agent);
  const caller = callerOf({ kind: 'shell', agent: b.agentInScope(scope.agent), enclosing: b.enclosing(scope) }, b.ctx);
  b.setCaller(usage, caller);
  const profile = c.globals.profile ?? c.options.profile;
  if (profile && profile !== true) {
    // The agent's principal is only the default: a profile picks other credentials on that machine.
    usage.callerOrigin = `${caller.origin ?? 'unknown caller'}; note: --profile ${profile.text} selects the credentials of that AWS CLI profile instead`;
  }

  const wordVal = (w: ShellWord, depth = 0): Val => {
    const parts: Val[] = [];
    for (const seg of w.segments) {
      if (seg.kind === 'text') {
        const first = seg.offsets[0];
        const contiguousScript =
          seg.offsets.length > 0 && seg.offsets[seg.offsets.length - 1] - first === seg.offsets.length - 1;
        const s0 = at(first);
        const s1 = end(seg.offsets[seg.offsets.length - 1] ?? first);
        const exact = contiguousScript && s1 - s0 === seg.value.length && b.text.slice(s0, s1) === seg.value;
        parts.push({
          value: seg.value,
          template: seg.value,
          source: 'literal',
          reference: null,
          description: `literal on line ${b.cite(s0)}`,
          secret: false,
          missing: [],
          runtime: false,
          ...(exact ? { literalRange: { start: s0, end: s1 } } : {}),
        });
      } else if (seg.kind === 'interp') {
        const e = script.interps[seg.index];
        parts.push(
          e
            ? b.resolver.expr(e, script.interpScopes[seg.index] ?? scope)
            : {
                value: null,
                template: '${…}',
                source: 'unresolved',
                reference: null,
                description: 'interpolation',
                secret: false,
                missing: [],
                runtime: true,
              },
        );
      } else if (seg.kind === 'var') {
        // A variable the script itself set earlier wins over the environment.
        const local =
          depth < 8 ? [...assignments].reverse().find((a) => a.name === seg.name && a.at < seg.start) : undefined;
        if (local) {
          const v = wordVal(local.value, depth + 1);
          parts.push({
            ...v,
            description: `${v.description}, via shell variable ${seg.name} (line ${b.cite(at(local.at))})`,
            reference: v.reference ?? seg.name,
          });
        } else {
          parts.push(b.resolver.env(seg.name, at(seg.start), scope, 0));
        }
      } else {
        const text = script.text.slice(seg.start, seg.end);
        parts.push({
          value: null,
          template: '$(…)',
          source: 'unresolved',
          reference: text,
          description: `output of ${text}`,
          secret: false,
          missing: [
            { reference: text, message: `the value is the output of \`${text}\`, known only while the build runs` },
          ],
          runtime: false,
        });
      }
    }
    if (parts.length === 0)
      return {
        value: '',
        template: '',
        source: 'literal',
        reference: null,
        description: 'empty',
        secret: false,
        missing: [],
        runtime: false,
      };
    return concat(parts);
  };
  const wordRange = (w: ShellWord): Range => {
    const r = valueRange(w);
    return { start: at(r.start), end: end(Math.max(r.start, r.end - 1)) };
  };
  const opt = (key: string): ShellWord | null => {
    const v = c.options[key] ?? (key === 'region' || key === 'profile' ? c.globals[key] : undefined);
    return v === undefined || v === true ? null : v;
  };

  const region = opt('region');
  if (region) {
    const v = wordVal(region);
    b.record(usage, 'region', v, wordRange(region));
    usage.region = v.value;
  }
  if (c.operation === 'assume-role') {
    const role = opt('role-arn');
    if (role) {
      const v = wordVal(role);
      // The raw text as written in the file, without the shell quotes around it.
      const written = b.text.slice(at(role.start), end(role.end - 1));
      const raw = /^(["']).*\1$/s.test(written) && written.length >= 2 ? written.slice(1, -1) : written;
      b.roleFromArn(usage, v, raw, wordRange(role), 'roleArn');
      usage.args.role = usage.args.roleArn;
      usage.origins.role = usage.origins.roleArn;
    } else {
      b.fact({
        kind: 'missing-shell-option',
        option: 'role-arn',
        anchor,
        roleArn: null,
        insertAt: usage.args.call!.end,
      });
    }
    if (!opt('role-session-name')) {
      b.fact({
        kind: 'missing-shell-option',
        option: 'role-session-name',
        anchor,
        roleArn: usage.roleArn,
        insertAt: usage.args.call!.end,
      });
    }
    const sessionName = opt('role-session-name');
    if (sessionName) {
      const v = wordVal(sessionName);
      b.record(usage, 'roleSessionName', v, wordRange(sessionName));
      usage.roleSessionName = v.value ?? v.template;
    }
    // Flags the trust policy must allow beyond sts:AssumeRole (a bare flag or one with a value).
    if (c.options['tags'] !== undefined) usage.sessionTags = true;
    if (c.options['source-identity'] !== undefined) usage.sourceIdentity = true;
    const ext = opt('external-id');
    if (ext) {
      const v = wordVal(ext);
      const r = wordRange(ext);
      usage.externalId = { present: true, resolved: resolvedValue(v, ext.text) };
      b.record(usage, 'externalId', v, r);
      if (v.value !== null && v.literalRange && v.source !== 'credential') {
        const direct = literalText(ext) !== null;
        const quote = script.quoteAt(ext.start);
        const replacement =
          quote === '"' || quote === '"""'
            ? '\\${EXTERNAL_ID}'
            : quote === '/' || quote === '$/'
              ? null
              : '"${EXTERNAL_ID}"';
        b.pushSecret(usage, {
          kind: 'external-id',
          range: direct ? { start: at(ext.start), end: end(ext.end - 1) } : (v.literalRange ?? r),
          ...(direct && replacement && item.statement
            ? { replacement, statement: range(item.statement), indent: b.indentAt(item.statement.start) }
            : {}),
        });
      }
    }
  }
  const duration = opt('duration-seconds');
  if (duration) {
    const v = wordVal(duration);
    b.record(usage, 'duration', v, wordRange(duration));
    usage.duration = toSeconds(v.value);
  }
  const serial = opt('serial-number');
  const token = opt('token-code');
  if (serial || token) {
    usage.mfa = true;
    if (serial) {
      const v = wordVal(serial);
      usage.mfaSerial = v.value;
      usage.args.mfa = wordRange(serial);
      usage.origins.mfa = originOf(v);
    } else if (token) usage.args.mfa = wordRange(token);
  }
  return usage;
}

/** Builds the text a shell step runs from its script expression, mapping each character back to the file. */
class ScriptBuilder {
  text = '';
  interps: Expression[] = [];
  /** The scope each interpolation is resolved in (a helper's frame for text its `return` gives). */
  interpScopes: Scope[] = [];
  /** The scope of the text being added: the step's, or a called helper's frame. */
  private current: Scope;
  private quotes: Array<{ from: number; quote: StringLiteral['quote'] }> = [];
  /** Script index → source: a text part (cooked index via textOffset) or a fixed offset (placeholders). */
  private pieces: Array<{ at: number; part: TextPart | null; offset: number; end: number }> = [];

  constructor(
    private readonly resolver: Resolver,
    scope: Scope,
    private readonly methods: readonly DeclaredMethod[],
  ) {
    this.current = scope;
  }

  private piece(index: number): { at: number; part: TextPart | null; offset: number; end: number } | null {
    const pieces = this.pieces;
    if (pieces.length === 0) return null;
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid].at <= index) lo = mid;
      else hi = mid - 1;
    }
    return pieces[lo];
  }

  /** Source offset of script character `index`. */
  offset(index: number): number {
    const p = this.piece(index);
    if (!p) return 0;
    return p.part ? textOffset(p.part, Math.max(0, index - p.at)) : p.offset;
  }

  /** Source offset just after script character `index` (after a whole `${...}` for an interpolation). */
  endOffset(index: number): number {
    const p = this.piece(index);
    if (!p) return 0;
    if (!p.part) return p.end;
    const i = Math.max(0, index - p.at);
    return i + 1 < p.part.value.length ? textOffset(p.part, i + 1) : p.part.end;
  }

  /** Quote kind of the string literal a script character came from. */
  quoteAt(index: number): StringLiteral['quote'] | null {
    let q: StringLiteral['quote'] | null = null;
    for (const r of this.quotes) {
      if (r.from <= index) q = r.quote;
      else break;
    }
    return q;
  }

  private fixed(ch: string, span: { start: number; end: number }): void {
    this.pieces.push({ at: this.text.length, part: null, offset: span.start, end: span.end });
    this.text += ch;
  }

  /** An expression the script gets at run time; `span` is what it covers in the file (the whole `${...}`). */
  private placeholder(e: Expression, span: { start: number; end: number } = e): void {
    const index = this.interps.length;
    if (PLACEHOLDER_BASE + index > PLACEHOLDER_LIMIT) return this.fixed('?', span);
    this.interps.push(e);
    this.interpScopes.push(this.current);
    this.fixed(String.fromCharCode(PLACEHOLDER_BASE + index), span);
  }

  add(e: Expression, depth: number): void {
    if (depth > 8) return this.placeholder(e);
    switch (e.type) {
      case 'String':
        this.quotes.push({ from: this.text.length, quote: e.quote });
        for (const part of e.parts) {
          if (part.type === 'Text') {
            if (part.value.length === 0) continue;
            this.pieces.push({ at: this.text.length, part, offset: part.start, end: part.end });
            this.text += part.value;
          } else if (part.expression) {
            this.inline(part.expression, depth, part);
          } else {
            this.fixed('?', part);
          }
        }
        return;
      case 'Paren':
        return this.add(e.expression, depth + 1);
      case 'Binary':
        if (e.operator === '+') {
          this.add(e.left, depth + 1);
          this.add(e.right, depth + 1);
          return;
        }
        return this.placeholder(e);
      case 'Identifier':
        return this.inline(e, depth);
      case 'Call':
        if (this.helperResult(e, depth)) return;
        return this.placeholder(e);
      default:
        return this.placeholder(e);
    }
  }

  /**
   * `sh assumeCmd(arn)` where `def assumeCmd(a) { return "aws sts assume-role --role-arn ${a} ..." }` is
   * declared in the file: the command text the helper returns counts where it is written, its parameters
   * bound to this call's arguments. False (nothing added) when the call is not such a helper.
   */
  private helperResult(call: CallExpression, depth: number): boolean {
    const name = invokedName(call);
    if (name === null) return false;
    const at = call.start;
    const method = this.methods.find(
      (m) => m.decl.name === name && (m.owner === null || (m.owner.start <= at && at < m.owner.end)),
    )?.decl;
    if (!method || (method.start <= at && at < method.end)) return false;
    const result = returnedText(method);
    const args = result ? bindCall(method, call) : null;
    if (!result || !args) return false;
    const frame: Scope = { env: this.current.env, method, frame: { method, call, args, outer: this.current } };
    if (this.resolver.expr(result, frame).secret) return false;
    const saved = this.current;
    this.current = frame;
    this.add(result, depth + 1);
    this.current = saved;
    return true;
  }

  /** A variable holding a command string counts where it is written (the contract's rule). */
  private inline(e: Expression, depth: number, span: { start: number; end: number } = e): void {
    if (e.type === 'Identifier') {
      const a = this.resolver.assignmentBefore(e.name, e.start);
      if (a && (a.value.type === 'String' || (a.value.type === 'Binary' && a.value.operator === '+'))) {
        const v = this.resolver.expr(a.value, this.current);
        if (!v.secret) return this.add(a.value, depth + 1);
      }
    }
    this.placeholder(e, span);
  }
}

/**
 * The command text a helper method gives back: a string (or `+` of strings) its body returns as its one
 * `return`, or as its last statement (Groovy returns the last expression); null otherwise.
 */
function returnedText(method: MethodDeclaration): Expression | null {
  const body = method.body?.body ?? [];
  const returns = body.filter((st) => st.type === 'Return');
  let e: Expression | null = null;
  if (returns.length === 1 && returns[0].type === 'Return') e = returns[0].argument;
  else if (returns.length === 0) {
    const last = body[body.length - 1];
    if (last && last.type === 'ExpressionStatement') e = last.expression;
  }
  return e && (e.type === 'String' || (e.type === 'Binary' && e.operator === '+')) ? e : null;
}

/** False when a script string surely runs no STS command: no operation name in its text, no variable to inline. */
function mayHoldStsCall(s: StringLiteral): boolean {
  for (const part of s.parts) {
    if (part.type === 'Text') {
      if (part.value.indexOf('assume-role') >= 0 || part.value.indexOf('get-session-token') >= 0) return true;
    } else if (part.expression && part.expression.type === 'Identifier') {
      return true;
    }
  }
  return false;
}

export const shellSts: UsageKindModule = {
  name: 'shell',
  steps: Object.keys(SHELL_STEPS),
  opensIdentity: false,
  candidates: () => [null],
  build: buildShell,
};
