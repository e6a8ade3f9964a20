"""``python -m thaadsim``: the same program as the ``thaadsim`` command."""

from thaadsim.cli.main import main

if __name__ == "__main__":
    main()
