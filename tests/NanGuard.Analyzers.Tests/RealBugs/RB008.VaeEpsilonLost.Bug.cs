// Source: GRIST (FSE'21) subject 36, deep_learning_Nikolenko_and_Co.ch10_04_03 (VAE): https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_36
// Bug: the reconstruction loss takes torch.log(1e-10 + 1 - x_reconstr_mean) of a decoder that ends in a sigmoid; in float32 1e-10 + 1 rounds to 1, so the epsilon is gone and log(1 - 1) is -inf.
// Fix: clip the probability to [1e-6, 1] before each log (GRIST's repaired version of the subject).
// Hazard: epsilon erased by rounding
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB008;

public sealed class Decoder : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers = nn.Sequential(nn.Linear(20, 500), nn.Softplus(), nn.Linear(500, 784), nn.Sigmoid());

    public Decoder() : base(nameof(Decoder)) => RegisterComponents();

    public override Tensor forward(Tensor z) => layers.call(z);
}

public static class Losses
{
    public static Tensor Reconstruction(Decoder decoder, Tensor z, Tensor x)
    {
        var xReconstrMean = decoder.call(z);
        return -torch.sum(x * torch.log(1e-10 + xReconstrMean) + (1 - x) * torch.log(1e-10 + 1 - xReconstrMean), 1); // expect: NG1020, NG1014, NG1004
    }
}
