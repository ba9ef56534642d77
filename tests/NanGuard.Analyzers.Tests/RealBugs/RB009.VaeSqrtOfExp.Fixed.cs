// Source: GRIST (FSE'21) subject 39, deep_learning_Nikolenko_and_Co.ch10_04_04 (VAE): https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_39
// Bug: a private reparameterisation helper takes torch.sqrt(torch.exp(logSigmaSq)); its caller passes a Linear output, exp underflows to 0 below about -104 and sqrt's gradient at 0 is inf.
// Fix: clip z_log_sigma_sq to [-100, 87] before the exp (GRIST's repaired version of the subject).
// Hazard: sqrt at 0
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB009;

public sealed class Encoder : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden = nn.Linear(784, 500);
    private readonly Linear mean = nn.Linear(500, 2);
    private readonly Linear logSigmaSq = nn.Linear(500, 2);

    public Encoder() : base(nameof(Encoder)) => RegisterComponents();

    private static Tensor Sample(Tensor zMean, Tensor zLogSigmaSq)
    {
        var eps = torch.randn_like(zMean);
        return zMean + torch.sqrt(torch.exp(zLogSigmaSq.clamp(-100, 87))) * eps;
    }

    public override Tensor forward(Tensor x)
    {
        var h = F.relu(hidden.call(x));
        return Sample(mean.call(h), logSigmaSq.call(h));
    }
}
