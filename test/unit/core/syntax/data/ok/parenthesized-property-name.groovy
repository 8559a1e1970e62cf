values.each { k, v ->
  obj.("$k".toString()) = v
  echo obj.(k + 'Suffix')
}
