def names = new String[0]
def buf = new byte[n]
def grid = new int[2][3]
def typed = new java.lang.String[size + 1]
