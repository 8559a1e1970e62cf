// A `${}` placeholder holding statements, not one expression: Groovy reads it as a closure it calls
// when the string is built, and the string gets the value of its last statement.
def hosts = ['alpha', 'beta']
def ports = []

String config = """<config>
${if (hosts.isEmpty()) return ''
String out = '  <hosts>\n'
for (int i = 0; i < hosts.size(); i++) {
    def name = hosts[i]
    out += "    <host id=\"${i}\">${name}</host>\n"
}
out + '  </hosts>\n'
}
${if (ports.isEmpty()) return ''
'  <ports/>\n'
}</config>"""

def total = "${def base = 40; base + 2}"
def chained = "${hosts.size(); hosts.join('+')}"

assert config.contains('<host id="1">beta</host>')
assert !config.contains('<ports/>')
assert total == '42'
assert chained == 'alpha+beta'
