temp = input message: 'x',
  ok: 'y'
