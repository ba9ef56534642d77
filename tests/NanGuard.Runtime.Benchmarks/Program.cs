using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

static class Program
{
    static void Main()
    {
        foreach (var dt in new[] { ScalarType.Float16, ScalarType.BFloat16 })
        {
            Try($"{dt} linear fwd/bwd", () =>
            {
                var m = nn.Linear(4, 3); m.to(dt);
                var x = torch.randn(2, 4).to(dt);
                var y = m.call(x).sum(); y.backward();
                return m.weight!.grad!.dtype + " norm " + torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0);
            });
            Try($"{dt} isfinite/all", () => torch.tensor(new float[]{1, float.PositiveInfinity}).to(dt).isfinite().all().item<bool>().ToString());
            Try($"{dt} norm", () => torch.tensor(new float[]{3, 4}).to(dt).norm(2f).ToString());
            Try($"{dt} adam", () => { var m = nn.Linear(4, 3); m.to(dt); var o = torch.optim.Adam(m.parameters()); m.call(torch.randn(2,4).to(dt)).sum().backward(); o.step(); return "ok"; });
        }
        Try("Adam null grad", () => { var a = nn.Linear(4, 3); var b = nn.Linear(4,3); var o = torch.optim.Adam(a.parameters().Concat(b.parameters())); a.call(torch.randn(2,4)).sum().backward(); o.step(); return "ok"; });
        Try("SGD null grad", () => { var a = nn.Linear(4, 3); var b = nn.Linear(4,3); var o = torch.optim.SGD(a.parameters().Concat(b.parameters()), 0.1, momentum: 0.9); a.call(torch.randn(2,4)).sum().backward(); o.step(); return "ok"; });
        Try("AdamW null grad", () => { var a = nn.Linear(4, 3); var b = nn.Linear(4,3); var o = torch.optim.AdamW(a.parameters().Concat(b.parameters())); a.call(torch.randn(2,4)).sum().backward(); o.step(); return "ok"; });
        Try("clip no grads", () => { var a = nn.Linear(4, 3); return torch.nn.utils.clip_grad_norm_(a.parameters(), 1.0).ToString(); });
        Try("zero_grad leaves null", () => { var a = nn.Linear(4, 3); a.call(torch.randn(2,4)).sum().backward(); var o = torch.optim.SGD(a.parameters(), 0.1); o.zero_grad(); return (a.weight!.grad is null).ToString(); });
        Try("clip vs mine", () =>
        {
            torch.manual_seed(3);
            var a = nn.Linear(40, 30); a.call(torch.randn(20,40)).pow(2).sum().backward();
            var grads = a.parameters().Select(p => p.grad!).ToList();
            var mine = torch.stack(grads.Select(g => g.norm(2f)).ToArray()).norm(2f).item<float>();
            var mine2 = torch.linalg.vector_norm(torch.stack(grads.Select(g => torch.linalg.vector_norm(g, 2)).ToArray()), 2).item<float>();
            var theirs = torch.nn.utils.clip_grad_norm_(a.parameters(), 1e9);
            return $"{mine:R} {mine2:R} {theirs:R} {(float)theirs == mine}";
        });
        Try("param name", () => { var a = nn.Linear(4, 3); return string.Join(",", a.named_parameters().Select(p => p.name + ":" + p.parameter.name)); });
    }

    static void Try(string what, Func<string> f)
    {
        try { Console.WriteLine(what + ": " + f()); }
        catch (Exception e) { Console.WriteLine(what + ": FAIL " + e.GetType().Name + " " + e.Message.Split('\n')[0]); }
    }
}
