using System.Net;
using Imaging.Edge.Dicom.Data;
using Imaging.Edge.Dicom.Network;
using Imaging.Edge.Dicom.Network.Pdus;

namespace Imaging.Edge.Dicom.Tests.Network;

public sealed class AssociationNegotiatorTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private const string JpegLossless = "1.2.840.10008.1.2.4.70";
    private static readonly IPAddress Caller = IPAddress.Parse("10.1.2.3");

    private static DicomServerOptions Options(bool allowUnknown = true, params KnownCaller[] callers) =>
        new() { AeTitle = "EDGE", AllowUnknownCallers = allowUnknown, KnownCallers = callers, MaxPduLength = 65536 };

    private static AssociateRequestPdu Request(string called = "EDGE", string calling = "CT1", string context = WellKnownUids.ApplicationContext,
        IReadOnlyList<PresentationContextProposal>? contexts = null, UserInformation? user = null) =>
        new(called, calling, context,
            contexts ?? [new PresentationContextProposal(1, CtImageStorage, [TransferSyntax.ExplicitVRLittleEndian.Uid])],
            user ?? new UserInformation { MaxPduLength = 16384 });

    [Fact]
    public void Accepts_storage_in_the_callers_first_standard_transfer_syntax()
    {
        var outcome = AssociationNegotiator.Negotiate(
            Request(contexts: [new PresentationContextProposal(1, CtImageStorage, ["1.2.3.4.5.6", JpegLossless, TransferSyntax.ExplicitVRLittleEndian.Uid])]),
            Options(), Caller, atAssociationLimit: false);

        var result = Assert.Single(outcome.Accept!.PresentationContexts);
        Assert.Equal(PresentationContextResultReason.Acceptance, result.Result);
        Assert.Equal(JpegLossless, result.TransferSyntax);
        Assert.Equal(JpegLossless, outcome.Contexts[1].TransferSyntax.Uid);
        Assert.Equal(65536u, outcome.Accept.UserInformation.MaxPduLength);
    }

    [Fact]
    public void Refuses_unknown_abstract_syntax_and_unknown_transfer_syntaxes_with_their_reasons()
    {
        var outcome = AssociationNegotiator.Negotiate(
            Request(contexts:
            [
                new PresentationContextProposal(1, "1.2.3.4", [TransferSyntax.ImplicitVRLittleEndian.Uid]),
                new PresentationContextProposal(3, CtImageStorage, ["1.2.3.4.5"]),
                new PresentationContextProposal(5, WellKnownUids.Verification, [TransferSyntax.ImplicitVRLittleEndian.Uid]),
            ]),
            Options(), Caller, atAssociationLimit: false);

        var results = outcome.Accept!.PresentationContexts;
        Assert.Equal(PresentationContextResultReason.AbstractSyntaxNotSupported, results[0].Result);
        Assert.Equal(PresentationContextResultReason.TransferSyntaxesNotSupported, results[1].Result);
        Assert.Equal(PresentationContextResultReason.Acceptance, results[2].Result);
        Assert.Equal([5], outcome.Contexts.Keys);
    }

    [Fact]
    public void Accepts_configured_private_sop_class()
    {
        var options = Options() with { ExtraSopClasses = new HashSet<string> { "1.3.6.1.4.1.9999.1" } };

        var outcome = AssociationNegotiator.Negotiate(
            Request(contexts: [new PresentationContextProposal(1, "1.3.6.1.4.1.9999.1", [TransferSyntax.ImplicitVRLittleEndian.Uid])]),
            options, Caller, atAssociationLimit: false);

        Assert.Equal(PresentationContextResultReason.Acceptance, outcome.Accept!.PresentationContexts[0].Result);
    }

    [Fact]
    public void Answers_role_selection_as_scu_only_and_async_window_as_one()
    {
        var user = new UserInformation
        {
            MaxPduLength = 16384,
            AsyncOperationsWindow = new AsyncOperationsWindow(8, 8),
            RoleSelections = [new RoleSelection(CtImageStorage, ScuRole: true, ScpRole: true), new RoleSelection("1.2.3.4", true, false)],
        };

        var outcome = AssociationNegotiator.Negotiate(Request(user: user), Options(), Caller, atAssociationLimit: false);

        var role = Assert.Single(outcome.Accept!.UserInformation.RoleSelections);
        Assert.Equal(new RoleSelection(CtImageStorage, ScuRole: true, ScpRole: false), role);
        Assert.Equal(new AsyncOperationsWindow(1, 1), outcome.Accept.UserInformation.AsyncOperationsWindow);
    }

    [Theory]
    [InlineData("OTHER", "CT1", "1.2.840.10008.3.1.1.1", RejectReasons.CalledAeTitleNotRecognized)]
    [InlineData("EDGE", "CT1", "1.2.3.4", RejectReasons.ApplicationContextNameNotSupported)]
    [InlineData("EDGE", "STRANGER", "1.2.840.10008.3.1.1.1", RejectReasons.CallingAeTitleNotRecognized)]
    public void Rejects_permanently_from_the_service_user(string called, string calling, string context, byte reason)
    {
        var outcome = AssociationNegotiator.Negotiate(Request(called, calling, context), Options(false, new KnownCaller("CT1", null)), Caller, atAssociationLimit: false);

        Assert.Equal(new AssociateRejectPdu(RejectResult.Permanent, RejectSource.ServiceUser, reason), outcome.Reject);
        Assert.Null(outcome.Accept);
    }

    [Theory]
    [InlineData("\u001b[31mEVIL")]
    [InlineData("CT\n1")]
    [InlineData("")]
    [InlineData("BACK\\SLASH")]
    public void A_calling_ae_title_the_answer_could_not_echo_is_rejected_even_when_anyone_may_call(string calling)
    {
        var outcome = AssociationNegotiator.Negotiate(Request(calling: calling), Options(allowUnknown: true), Caller, atAssociationLimit: false);

        Assert.Equal(new AssociateRejectPdu(RejectResult.Permanent, RejectSource.ServiceUser, RejectReasons.CallingAeTitleNotRecognized), outcome.Reject);
        Assert.Null(outcome.Accept);
    }

    [Fact]
    public void Known_caller_from_another_host_is_rejected_and_from_its_host_accepted()
    {
        var options = Options(false, new KnownCaller("CT1", IPAddress.Parse("10.1.2.3")));

        Assert.NotNull(AssociationNegotiator.Negotiate(Request(), options, IPAddress.Parse("10.1.2.3"), false).Accept);
        Assert.NotNull(AssociationNegotiator.Negotiate(Request(), options, IPAddress.Parse("::ffff:10.1.2.3"), false).Accept);
        Assert.Equal(RejectReasons.CallingAeTitleNotRecognized, AssociationNegotiator.Negotiate(Request(), options, IPAddress.Parse("10.1.2.4"), false).Reject!.Reason);
    }

    [Fact]
    public void Association_limit_is_a_transient_local_limit_rejection()
    {
        var outcome = AssociationNegotiator.Negotiate(Request(), Options(), Caller, atAssociationLimit: true);

        Assert.Equal(new AssociateRejectPdu(RejectResult.Transient, RejectSource.ServiceProviderPresentation, RejectReasons.LocalLimitExceeded), outcome.Reject);
    }
}
