withAWS(role: 'r' roleAccount: '1', ] duration: 900)
f(a,, b)
