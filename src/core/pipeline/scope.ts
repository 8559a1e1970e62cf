// What the walk knows at a point of the pipeline (agent, bound environment, enclosing credentials) and
// the calls it collects for the usage kinds to build.
import type { CallExpression, Expression, Node } from '../syntax/ast';
import type { Usage } from '../types';
import type { Scope } from './resolve';

export type { Local, LoopOf } from './resolve';

/** An agent directive; its label is resolved lazily (parameters may be declared after `agent`). */
export interface Agent {
  /** The label expression, or null (`agent any`, no label). */
  expr: Expression | null;
  /** The directive (`agent { ... }`, `node('x') { }`), for caller policy. */
  declaration: CallExpression;
  /**
   * True when the directive asks for no label — `agent any`, `node { }`, `agent { docker { … } }` without
   * one — so Jenkins may run it on any node that takes unlabeled work; false for `agent none` and labels.
   */
  anyNode?: boolean;
}

/** Credentials in effect inside a block (withAWS, a binding, withVault): shell steps there call STS as them. */
export interface Identity {
  item: Pending;
}

export interface WalkScope extends Scope {
  agent: Agent | null;
  identity: Identity | null;
}

/** A call (or a part of it, such as one AWS binding) that a usage kind builds usages from. */
export interface Pending {
  /** The usage kind's name (kinds/index.ts). */
  kind: string;
  call: CallExpression;
  /** The part of the call the usage is about (an AWS binding of withCredentials), or null for the call itself. */
  part: Expression | null;
  scope: WalkScope;
  /** The statement the call is in (for fixes that wrap it). */
  statement: Node | null;
  usages: Usage[];
}
