// PLACEHOLDER barrel of the AWS SDK implementations; bundled separately (dist/aws.js) so the extension
// loads the SDK only on first live use.
export {};
