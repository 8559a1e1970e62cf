// `def` before `void` (and before a primitive type) in a method declaration, as older shared libraries write.
class Utils implements Serializable {
    def void copyAll( names ){
        names.each { println it }
    }
    def static void log(String m) { println m }
    def int count() { 1 }
}

def void top() {
    new Utils().copyAll(['a', 'b'])
}

top()
