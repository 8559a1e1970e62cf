list.each { it -> echo it }
map.each { k, v -> echo k }
list.collect { String s, int i = 0 -> s }
