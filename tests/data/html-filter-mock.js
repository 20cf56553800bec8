// A minimal DOM stand-in for the HTML report's filter script (tests/test_reports.py runs it with node when present).
function el(attrs, children){return {attrs:attrs, children:children||[], hidden:false,
  getAttribute:function(n){return this.attrs[n]}, querySelectorAll:function(sel){
    if(sel==='.finding') return this.children; return []}}}
var f1=el({'data-severity':'violation','data-profile':'dcat-ap-se'}), f2=el({'data-severity':'warning','data-profile':'grunddata'});
var card1=el({'data-domains':'person'},[f1,f2]), card2=el({'data-domains':''},[]);
var boxes=[{name:'severity',value:'violation',checked:true},{name:'severity',value:'warning',checked:false},{name:'severity',value:'info',checked:true}];
var profile={value:''}, domain={value:'person'}, handler=null;
var form={hidden:true, querySelectorAll:function(){return boxes}, querySelector:function(sel){
  return sel.indexOf('profile')>0?profile:domain}, addEventListener:function(e,h){handler=h}};
global.document={getElementById:function(){return form}, querySelectorAll:function(){return [card1,card2]}};
eval(require('fs').readFileSync(process.argv[2],'utf8'));
var out=[form.hidden,f1.hidden,f2.hidden,card1.hidden,card2.hidden];
boxes[1].checked=true; profile.value='grunddata'; domain.value=''; handler();
out=out.concat([f1.hidden,f2.hidden,card1.hidden,card2.hidden]);
console.log(JSON.stringify(out));
