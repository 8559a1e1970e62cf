// `new` as a map key and a named argument: a keyword followed by `:` is a key.
def changes = [
  new    : [],
  gone   : [],
]
report(new: changes.new, gone: 1)
