// A class's static initializer block and an instance initializer, then a constructor with defaults.
class Registry {
  private static final Map<String, List<String>> INDEX = [:]

  static {
    ['a', 'b'].each { k -> INDEX[k] = [] }
  }

  {
    println 'instance'
  }

  protected Map options

  Registry(String name, Map options = [:]) {
    this.options = options
  }
}
