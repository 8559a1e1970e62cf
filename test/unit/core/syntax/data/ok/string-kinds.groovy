a = 'single'
b = "double"
c = '''triple
single'''
d = """triple
${x}"""
e = /slashy $x/
f = $/dollar /slashy $$ $x/$
