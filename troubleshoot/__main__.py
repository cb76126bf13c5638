from troubleshoot.frontends.cli import app

app(prog_name="troubleshoot")
