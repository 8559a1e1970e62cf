// A slashy regex ending in `$/` (end of line anchor) followed by blocks, one of them closed by a `}`
// indented less than its statement: the brace count must read the regex as the parser does.
def portOf(String url) {
    def m = url =~ /:[0-9]+$/
    if (m.find()) {
        println 'port'
  }
    def n = url ==~ /^https?:.*$/
    if (n) {
        println 'http'
      }
    return m
}

println portOf('http://host:8080')
