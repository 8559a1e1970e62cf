switch (env) {
  case 'prod':
  case ~/stag.*/:
    echo 'p'
    break
  case [1, 2]: echo 'n'
  default:
    echo 'd'
}
