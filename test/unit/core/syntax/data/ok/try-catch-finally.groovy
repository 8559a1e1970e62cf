try {
  sh 'x'
} catch (IOException | InterruptedException e) {
  echo 'a'
} catch (err) {
} finally {
  echo 'f'
}
