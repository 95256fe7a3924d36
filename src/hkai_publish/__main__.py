from hkai_publish.cli import main

main()
