if (a) { echo 'x' }; withAWS(role: 'r') { sh 'y' }
while (b) { b-- }; sh 'after while'
for (x in xs) { echo x }; sh 'after for'
