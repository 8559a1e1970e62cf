x as String
(List<String>) foo.bar()
(a) + b
new JsonSlurper().parseText(t)
new java.util.HashMap<String, String>(16)
