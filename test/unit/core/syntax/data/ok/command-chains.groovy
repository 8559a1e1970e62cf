a b c d
withAWS role: 'r' region 'eu'
