for (x in xs) { echo x }
for (String s : list) println s
for (int i = 0; i < 3; i++) { }
for (;;) { break }
while (n > 0) { n-- }
