namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>What <c>imaging-edge doctor</c> was asked for.</summary>
/// <param name="ConfigFile">The configuration to check; null: the embedded defaults and the environment, as <c>run</c> without <c>--config</c>.</param>
/// <param name="Json">A JSON report (<see cref="DoctorReport"/>) instead of the checklist.</param>
/// <param name="CredentialsDirectory">Where the credential files are when not under systemd (<see cref="CredentialFiles"/>); null: the default.</param>
internal sealed record DoctorOptions(string? ConfigFile, bool Json, string? CredentialsDirectory = null);
