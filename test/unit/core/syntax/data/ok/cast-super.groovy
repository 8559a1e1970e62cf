// A cast of `super.x()` (a `clone()` override).
class Box implements Cloneable {
  List items = []

  Box clone() {
    Box copy = (Box) super.clone()
    copy.items = new ArrayList(items)
    return copy
  }
}
