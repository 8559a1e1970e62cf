def (x, y) = ['1', '2']
def (String a, int b) = f()
