// The training-loop rules, one loop each: NG2001 (no clipping), NG2002 (the clipped norm ignored), NG2003 (a high
// learning rate with no clipping), NG2004 (no zero_grad), NG2005 (clipping after the step).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

sealed class Regressor : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden = nn.Linear(8, 32);
    private readonly Linear output = nn.Linear(32, 1);

    public Regressor() : base(nameof(Regressor)) => RegisterComponents();

    public override Tensor forward(Tensor x) => output.call(F.relu(hidden.call(x)));
}

static class Program
{
    static void Main()
    {
        var x = torch.randn(64, 8);
        var y = torch.randn(64, 1);

        // NG2001 (a warning: the learning rate is high) and NG2003: Adam at 0.05, never clipped.
        var model = new Regressor();
        var optimizer = torch.optim.Adam(model.parameters(), lr: 0.05);  // NanGuard: NG2003
        for (var epoch = 0; epoch < 10; epoch++)
        {
            optimizer.zero_grad();
            F.mse_loss(model.call(x), y).backward();
            optimizer.step();  // NanGuard: NG2001
        }

        // NG2002: the norm is thrown away, so a NaN norm is applied anyway.
        var clipped = new Regressor();
        var sgd = torch.optim.SGD(clipped.parameters(), learningRate: 0.001);
        for (var epoch = 0; epoch < 10; epoch++)
        {
            sgd.zero_grad();
            F.mse_loss(clipped.call(x), y).backward();
            torch.nn.utils.clip_grad_norm_(clipped.parameters(), 1.0);  // NanGuard: NG2002
            sgd.step();
        }

        // NG2004: zero_grad once, before the loop: the gradients add up across iterations.
        var accumulating = new Regressor();
        var adam = torch.optim.Adam(accumulating.parameters(), lr: 1e-3);
        adam.zero_grad();
        for (var epoch = 0; epoch < 10; epoch++)
        {
            F.mse_loss(accumulating.call(x), y).backward();
            torch.nn.utils.clip_grad_norm_(accumulating.parameters(), 1.0);  // NanGuard: NG2002
            adam.step();  // NanGuard: NG2004
        }

        // NG2005: the clipping comes after the step, when the update has already been applied.
        var late = new Regressor();
        var adamW = torch.optim.AdamW(late.parameters(), lr: 1e-3);
        for (var epoch = 0; epoch < 10; epoch++)
        {
            adamW.zero_grad();
            F.mse_loss(late.call(x), y).backward();
            adamW.step();
            torch.nn.utils.clip_grad_norm_(late.parameters(), 1.0);  // NanGuard: NG2005
        }
    }
}
