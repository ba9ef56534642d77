// Source: GRIST (FSE'21) subject 62, gongdols.denoising_RBM, reported as angeloyeo/gongdols#2: https://github.com/angeloyeo/gongdols/issues/2
// Bug: the free energy computes torch.log(torch.exp(wx_b) + 1) on the hidden pre-activations; exp overflows above about 88.
// Fix: clamp wx_b to [-87, 87] before the exp, as the maintainer did in response to the issue.
// Hazard: exp overflow
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB006;

public sealed class DenoisingRbm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter W = new(torch.randn(128, 784) * 0.01);
    private readonly Parameter v_bias = new(torch.zeros(784));
    private readonly Parameter h_bias = new(torch.zeros(128));

    public DenoisingRbm() : base(nameof(DenoisingRbm)) => RegisterComponents();

    private Tensor HiddenTerm(Tensor v)
    {
        var wxB = F.linear(v, W, h_bias);
        var temp = torch.log(torch.exp(wxB) + 1); // expect: NG1007
        return temp.sum(1);
    }

    public override Tensor forward(Tensor v) => (-HiddenTerm(v) - v.mv(v_bias)).mean();
}
