echo msg
String msg2
agent any
checkout scm
