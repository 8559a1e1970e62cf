if (a) {
  sh 'x'
} else if (b) sh 'y'
else {
  sh 'z'
}
