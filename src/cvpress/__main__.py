from cvpress.launch import main

main()
