namespace Imaging.Edge.Gateway.Cli;

internal static class Usage
{
    public const string Text = """
        imaging-edge — DICOM and serial intake appliance

        usage:
          imaging-edge run [--config FILE]
              Run the gateway. Without --config it runs on its embedded defaults (DICOM on port 11112,
              data under ./var). Every key can be overridden with IMAGING_EDGE__Section__Key.
          imaging-edge echo HOST PORT [--aet CALLING] [--aec CALLED]
              Send a DICOM C-ECHO and print the status and round-trip time.
          imaging-edge send HOST PORT PATH... [--aet CALLING] [--aec CALLED] [--quiet]
              Send Part 10 files (folders are searched recursively) with C-STORE, each in its own
              transfer syntax, over one association.
          imaging-edge --version | --help

        exit codes: 0 success, 1 failure, 2 bad command line or configuration
        """;
}
