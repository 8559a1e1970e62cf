// PLACEHOLDER: the CLI lands next.
process.stdout.write('rolecall\n');
