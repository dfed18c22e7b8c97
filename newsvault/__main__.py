from newsvault.cli import main

main()
