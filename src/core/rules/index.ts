// The rule families. staticRules: checks that need no IAM data; iamRules: checks against trust policies.
export { staticRules } from './static';
export { iamRules } from './trust';
