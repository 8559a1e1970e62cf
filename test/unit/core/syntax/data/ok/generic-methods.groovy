static <T> T first(List<T> items) { items ? items[0] : null }
def <K, V> Map<K, V> copy(Map<K, V> m) { new HashMap<K, V>(m) }
