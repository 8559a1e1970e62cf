def static X = 1
def static final Y = 'y'
class K {
  def static Z = 2
  def final w = 3
}
