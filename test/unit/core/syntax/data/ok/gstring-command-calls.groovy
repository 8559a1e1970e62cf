def mvn = "${tool 'M3'}/bin/mvn"
def tmp = "${pwd tmp: true}/cache"
def v = "${steps.readFile file: 'VERSION'}"
def jdk = "${tool name: 'jdk17', type: 'jdk'}"
