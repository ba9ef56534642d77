// Source: GRIST (FSE'21) subject 51, RBM: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_51
// Bug: the RBM's free energy spells softplus as wx_b.exp().add(1).log(); exp overflows to inf for a hidden pre-activation above about 88.
// Fix: F.softplus(wx_b).
// Hazard: exp overflow
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB005;

public sealed class Rbm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter W = new(torch.randn(64, 784) * 0.01);
    private readonly Parameter v_bias = new(torch.zeros(784));
    private readonly Parameter h_bias = new(torch.zeros(64));

    public Rbm() : base(nameof(Rbm)) => RegisterComponents();

    public Tensor FreeEnergy(Tensor v)
    {
        var vbiasTerm = v.mv(v_bias);
        var wxB = F.linear(v, W, h_bias);
        var hiddenTerm = wxB.exp().add(1).log().sum(1); // expect: NG1007
        return (-hiddenTerm - vbiasTerm).mean();
    }

    public override Tensor forward(Tensor v) => FreeEnergy(v);
}
