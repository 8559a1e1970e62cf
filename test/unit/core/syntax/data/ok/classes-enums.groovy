class Deployer extends Base implements Serializable {
  String role
  Deployer(String r) { role = r }
  def run() { sh 'x' }
}
interface I { def go() }
enum Env { DEV, PROD('p'); String label() { 'x' } }
